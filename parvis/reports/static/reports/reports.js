/* Reports: progressive enhancement only. Without this script (or without tiles), the list, the address
   search and the typed coordinates do everything. With it: the maps (Leaflet), the device's position,
   address suggestions as you type. */
(function () {
  "use strict";

  function readConfig() {
    var node = document.getElementById("reports-map-config");
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function number(value) {
    var parsed = parseFloat(String(value || "").replace(",", "."));
    return isFinite(parsed) ? parsed : null;
  }

  var form = document.querySelector(".location-form");
  var latInput = document.getElementById("id_latitude");
  var lonInput = document.getElementById("id_longitude");
  var sourceInput = form ? form.querySelector("[data-source]") : null;
  var pickMarker = null;
  var pickMap = null;

  function setPosition(lat, lon, source, message) {
    if (latInput && lonInput) {
      latInput.value = lat.toFixed(6);
      lonInput.value = lon.toFixed(6);
    }
    if (sourceInput) { sourceInput.value = source; }
    if (pickMap) {
      if (!pickMarker) {
        pickMarker = L.marker([lat, lon], {draggable: true, keyboard: true, alt: "Emplacement choisi"}).addTo(pickMap);
        pickMarker.on("dragend", function () {
          var point = pickMarker.getLatLng();
          setPosition(point.lat, point.lng, "map", "Point déplacé sur la carte.");
        });
      } else {
        pickMarker.setLatLng([lat, lon]);
      }
      if (source !== "map") { pickMap.setView([lat, lon], Math.max(pickMap.getZoom(), 17)); }
    }
    var status = document.querySelector("[data-pick-status]");
    if (status && message) { status.textContent = message; }
  }

  function makeMap(element, config) {
    var map = L.map(element, {scrollWheelZoom: false, zoomControl: false});
    L.control.zoom({zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière"}).addTo(map);
    L.tileLayer(config.tiles, {attribution: escapeHtml(config.attribution), maxZoom: 19}).addTo(map);
    if (config.boundary) {
      L.geoJSON(config.boundary, {style: {color: "#1d4e89", weight: 2, fill: false, dashArray: "6 4"},
                                   interactive: false}).addTo(map);
    }
    map.fitBounds(config.bounds);
    return map;
  }

  function initMap(config) {
    var element = document.getElementById("carte");
    if (!element || !config || typeof L === "undefined") { return; }
    var wrap = element.closest("[data-map-wrap]");
    if (wrap) { wrap.hidden = false; }
    var mode = element.getAttribute("data-mode");
    var map = makeMap(element, config);

    if (mode === "list") {
      fetch(element.getAttribute("data-source"), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {features: []}; })
        .then(function (data) {
          var layer = L.featureGroup();
          (data.features || []).forEach(function (feature) {
            var p = feature.properties;
            var c = feature.geometry.coordinates;
            L.circleMarker([c[1], c[0]], {radius: 8, weight: 2, color: p.open ? "#8a3200" : "#1e6b34",
                                          fillColor: p.open ? "#e06a1b" : "#2f9e52", fillOpacity: 0.85})
              .bindPopup("<strong>" + escapeHtml(p.category) + "</strong><br>" + escapeHtml(p.status_label) +
                         "<br>" + escapeHtml(p.date) + "<br><a href=\"" + escapeHtml(p.url) + "\">Voir le signalement " +
                         escapeHtml(p.reference) + "</a>")
              .addTo(layer);
          });
          layer.addTo(map);
        })
        .catch(function () { /* the list below still shows everything */ });
    } else if (mode === "show") {
      var lat = number(element.getAttribute("data-lat"));
      var lon = number(element.getAttribute("data-lon"));
      if (lat !== null && lon !== null) {
        L.marker([lat, lon], {keyboard: false, alt: "Emplacement du signalement"}).addTo(map);
        map.setView([lat, lon], 17);
      }
    } else if (mode === "pick") {
      pickMap = map;
      var startLat = latInput ? number(latInput.value) : null;
      var startLon = lonInput ? number(lonInput.value) : null;
      if (startLat !== null && startLon !== null) {
        setPosition(startLat, startLon, sourceInput ? sourceInput.value : "map", "");
      }
      map.on("click", function (event) {
        setPosition(event.latlng.lat, event.latlng.lng, "map", "Point placé sur la carte.");
      });
      var centerButton = document.querySelector("[data-pick-center]");
      if (centerButton) {
        centerButton.addEventListener("click", function () {
          var center = map.getCenter();
          setPosition(center.lat, center.lng, "map", "Point placé au centre de la carte.");
        });
      }
    }
  }

  function initLocate() {
    var wrap = document.querySelector("[data-locate-wrap]");
    var button = document.querySelector("[data-locate]");
    var status = document.querySelector("[data-locate-status]");
    if (!wrap || !button || !("geolocation" in navigator)) { return; }
    wrap.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(function (position) {
        setPosition(position.coords.latitude, position.coords.longitude, "gps", "");
        status.textContent = "Position trouvée (précision : " + Math.round(position.coords.accuracy) +
          " m). Vérifiez-la, puis continuez.";
      }, function () {
        status.textContent = "Votre position n'a pas pu être obtenue : indiquez l'adresse ou placez le point sur la carte.";
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }

  function initSuggestions() {
    var input = document.getElementById("id_adresse");
    var box = document.querySelector("[data-suggestions]");
    var url = input ? input.form.getAttribute("data-suggest-url") : null;
    if (!input || !box || !url || !window.fetch) { return; }
    var list = box.querySelector("[data-suggestions-list]");
    var status = box.querySelector("[data-suggestions-status]");
    var timer = null;
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " suggestions-aide").trim());
    var help = document.createElement("p");
    help.id = "suggestions-aide";
    help.className = "visually-hidden";
    help.textContent = "Des adresses vous sont proposées sous ce champ pendant la saisie.";
    input.parentNode.appendChild(help);

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 3) { box.hidden = true; list.innerHTML = ""; return; }
      timer = window.setTimeout(function () {
        fetch(url + "?q=" + encodeURIComponent(query), {headers: {"Accept": "application/json"}})
          .then(function (response) { return response.json(); })
          .then(function (data) {
            list.innerHTML = "";
            if (!data.available) { box.hidden = true; return; }
            (data.results || []).forEach(function (result) {
              var item = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              button.textContent = result.label;
              if (!result.in_commune) {
                var note = document.createElement("span");
                note.className = "outside";
                note.textContent = " — hors de la commune";
                button.appendChild(note);
                button.disabled = true;
              }
              button.addEventListener("click", function () {
                input.value = result.label;
                setPosition(result.lat, result.lon, "address", "Adresse placée sur la carte.");
                box.hidden = true;
                list.innerHTML = "";
                input.focus();
              });
              item.appendChild(button);
              list.appendChild(item);
            });
            box.hidden = !list.children.length;
            status.textContent = list.children.length ? list.children.length + " adresse(s) proposée(s)" : "";
          })
          .catch(function () { box.hidden = true; });
      }, 300);
    });
  }

  var config = readConfig();
  initMap(config);
  initLocate();
  initSuggestions();
})();
