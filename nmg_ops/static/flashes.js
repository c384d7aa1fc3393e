// A form that brings the reader back to a place on a page (an answer from the start page comes back to
// #meeting-12) leaves its confirmation at the top of the page, out of sight on a phone: show it just above
// that place instead, where the reader is looking.
document.addEventListener("DOMContentLoaded", function () {
  var flashes = document.getElementById("flashes");
  if (!flashes || !flashes.children.length || !location.hash) { return; }
  var place = document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (!place || place.contains(flashes)) { return; }
  place.parentNode.insertBefore(flashes, place);
  flashes.scrollIntoView({ block: "start" });
});
