# The library's procedures, one JSON file each (docs/procedure-format.md). A package so that the files ship
# with Parvis (pyproject's package data takes the *.json files of packages).
