/* The HTML report's reading aids, inlined by report/html-extras.lua (both render routes); nothing is
   loaded from anywhere, and the page reads the same without it:
   - the table of contents folds into a "目录" button on a narrow screen and stays open (at the side,
     report.css) on a wide one;
   - a click (or Enter) on a figure shows it at full size over the page; Esc or a click closes it;
   - every section heading gets an anchor link. */
(function () {
  "use strict";
  var WIDE = window.matchMedia("(min-width: 1180px)");

  function foldContents() {
    var toc = document.getElementById("TOC");
    if (!toc || toc.querySelector("details.toc-fold")) return;
    var title = toc.querySelector("#toc-title") || toc.querySelector("h2");
    var fold = document.createElement("details");
    fold.className = "toc-fold";
    var summary = document.createElement("summary");
    summary.textContent = title ? title.textContent : "目录";
    if (title) title.parentNode.removeChild(title);
    fold.appendChild(summary);
    while (toc.firstChild) fold.appendChild(toc.firstChild);
    toc.appendChild(fold);
    // Quarto's page keeps the contents in a margin sidebar that it hides on a narrow screen: there
    // they move under the title (folded), and back to the sidebar when it shows again.
    var sidebar = document.getElementById("quarto-margin-sidebar");
    var home = toc.parentNode, next = toc.nextSibling;
    var title = document.getElementById("title-block-header");
    function place() {
      if (!sidebar || !sidebar.contains(home) || !title) return false;
      var hidden = window.getComputedStyle(sidebar).display === "none";
      if (hidden && toc.parentNode === home) {
        title.parentNode.insertBefore(toc, title.nextSibling);
        toc.classList.add("toc-moved");
      } else if (!hidden && toc.parentNode !== home) {
        home.insertBefore(toc, next);
        toc.classList.remove("toc-moved");
      }
      return !hidden;
    }
    var state = null;
    function sync() {
      var open = place() || WIDE.matches;
      if (open !== state) fold.open = state = open; // a phone's resize on scrolling keeps the reader's choice
    }
    sync();
    window.addEventListener("resize", sync);
    toc.addEventListener("click", function (event) {
      if (!WIDE.matches && event.target.closest && event.target.closest("a")) fold.open = false;
    });
  }

  var overlay = null;
  function closeZoom() {
    if (overlay) {
      overlay.parentNode.removeChild(overlay);
      overlay = null;
    }
  }
  function openZoom(img) {
    closeZoom();
    overlay = document.createElement("div");
    overlay.className = "zoom-overlay";
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-label", img.getAttribute("alt") || "图");
    var big = document.createElement("img");
    big.src = img.currentSrc || img.src;
    big.alt = img.alt || "";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "zoom-close";
    close.setAttribute("aria-label", "关闭");
    close.textContent = "×";
    overlay.appendChild(close);
    overlay.appendChild(big);
    overlay.addEventListener("click", closeZoom);
    document.body.appendChild(overlay);
    close.focus();
  }
  function zoomable() {
    var imgs = document.querySelectorAll("figure img, .quarto-figure img");
    Array.prototype.forEach.call(imgs, function (img) {
      img.classList.add("zoomable");
      img.setAttribute("tabindex", "0");
      img.setAttribute("title", "点击查看大图");
      img.addEventListener("click", function () { openZoom(img); });
      img.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          openZoom(img);
        }
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeZoom();
    });
  }

  function anchors() {
    var heads = document.querySelectorAll("main h1, main h2, main h3, body > section h1, body > section h2, section h3, section h4");
    Array.prototype.forEach.call(heads, function (h) {
      if (h.classList.contains("anchored") || h.querySelector("a.anchor, a.anchorjs-link")) return; // Quarto anchors its own
      var id = h.id || (h.parentNode && h.parentNode.tagName === "SECTION" ? h.parentNode.id : "");
      if (!id) return;
      var a = document.createElement("a");
      a.className = "anchor";
      a.href = "#" + id;
      a.setAttribute("aria-label", "本节链接");
      a.textContent = "#";
      h.appendChild(a);
    });
  }

  function start() {
    foldContents();
    zoomable();
    anchors();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
