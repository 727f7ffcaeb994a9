// Section videos: a click (or Enter/Space on the focused button) replaces our placeholder with
// the privacy-enhanced player. Until then the page loads nothing from another site.
(() => {
  "use strict";

  function load(button) {
    const frame = document.createElement("iframe");
    frame.src = button.dataset.embed;
    frame.title = `Video: ${button.dataset.title}`;
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    // YouTube's player refuses to play without knowing the embedding origin.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation allow-popups");
    frame.className = "video-player";
    button.replaceWith(frame);
    frame.focus();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("button.video-load[data-embed]").forEach((button) => {
      button.addEventListener("click", () => load(button));
    });
  });
})();
