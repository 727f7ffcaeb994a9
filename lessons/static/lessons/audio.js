// Audio lessons and the audio book (lessons/_audio_lesson.html). With a recording: play/pause,
// seek, speed, the current transcript line highlighted, a line selected jumps there. Without
// one: the browser's own speech synthesis reads the transcript line by line, highlighting it.
// Keys anywhere in a player: Space play/pause, Left/Right 5 seconds, Up/Down previous/next line.
(() => {
  "use strict";
  const STEP_S = 5;

  function clock(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function highlight(items, index) {
    items.forEach((item, i) => {
      const current = i === index;
      item.classList.toggle("is-current", current);
      if (current) item.setAttribute("aria-current", "true");
      else item.removeAttribute("aria-current");
    });
  }

  // Space, arrows: ignored where the focused control has a meaning of its own for them.
  function bindKeys(player, actions) {
    player.addEventListener("keydown", (event) => {
      const tag = event.target.tagName;
      if (tag === "SELECT" || tag === "INPUT" || event.altKey || event.ctrlKey || event.metaKey) return;
      const isButton = tag === "BUTTON";
      const action = {
        " ": isButton ? null : actions.toggle,
        ArrowLeft: actions.back, ArrowRight: actions.forward,
        ArrowUp: actions.previous, ArrowDown: actions.next,
      }[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
  }

  function initAudio(player) {
    const audio = player.querySelector("audio");
    const items = Array.from(player.querySelectorAll(".transcript-line"));
    const starts = items.map((item) => parseFloat(item.dataset.start) || 0);
    const play = player.querySelector("[data-action=play]");
    const seek = player.querySelector("[data-role=seek]");
    const time = player.querySelector("[data-role=time]");
    const speed = player.querySelector("[data-role=speed]");
    const total = () => (Number.isFinite(audio.duration) ? audio.duration : parseFloat(audio.dataset.duration) || 0);
    const current = () => {
      let index = 0;
      starts.forEach((start, i) => { if (audio.currentTime + 0.01 >= start) index = i; });
      return index;
    };
    const goTo = (seconds) => { audio.currentTime = Math.min(Math.max(0, seconds), total()); update(); };
    const toggle = () => { if (audio.paused) audio.play().catch(() => {}); else audio.pause(); };
    function update() {
      highlight(items, current());
      player.dataset.current = String(current());
      seek.value = String(audio.currentTime);
      const text = `${clock(audio.currentTime)} of ${clock(total())}`;
      seek.setAttribute("aria-valuetext", text);
      time.textContent = text;
    }
    audio.addEventListener("error", () => {
      time.removeAttribute("aria-hidden");
      time.textContent = "This browser could not play the recording: the transcript below is the lesson.";
    });
    // Another reading depth hides this audio book (section.js): it stops talking too.
    new MutationObserver(() => { if (player.hidden) audio.pause(); })
      .observe(player, { attributes: true, attributeFilter: ["hidden"] });
    audio.addEventListener("timeupdate", update);
    audio.addEventListener("loadedmetadata", () => { seek.max = String(total()); update(); });
    audio.addEventListener("play", () => { play.textContent = "Pause"; play.setAttribute("aria-label", "Pause"); });
    audio.addEventListener("pause", () => { play.textContent = "Play"; play.setAttribute("aria-label", "Play"); });
    play.addEventListener("click", toggle);
    player.querySelector("[data-action=back]").addEventListener("click", () => goTo(audio.currentTime - STEP_S));
    player.querySelector("[data-action=forward]").addEventListener("click", () => goTo(audio.currentTime + STEP_S));
    seek.addEventListener("input", () => goTo(parseFloat(seek.value)));
    speed.addEventListener("change", () => { audio.playbackRate = parseFloat(speed.value) || 1; });
    items.forEach((item, i) => item.addEventListener("click", () => {
      goTo(starts[i] + 0.001);
      if (audio.paused) audio.play().catch(() => {});
    }));
    bindKeys(player, {
      toggle,
      back: () => goTo(audio.currentTime - STEP_S),
      forward: () => goTo(audio.currentTime + STEP_S),
      previous: () => goTo(starts[Math.max(0, current() - 1)] + 0.001),
      next: () => goTo(starts[Math.min(items.length - 1, current() + 1)] + 0.001),
    });
    update();
  }

  // Each speaker gets a voice of their own where the browser has several, and a pitch.
  function voiceFor(speaker, speakers) {
    const voices = window.speechSynthesis.getVoices().filter((v) => /^en/i.test(v.lang));
    const index = speakers.indexOf(speaker);
    return { voice: voices.length ? voices[index % voices.length] : null, pitch: 0.8 + 0.15 * (index % 4) };
  }

  function initSpeech(player) {
    const items = Array.from(player.querySelectorAll(".transcript-line"));
    const button = player.querySelector("[data-action=speak]");
    const speed = player.querySelector("[data-role=speed]");
    const synth = window.speechSynthesis;
    if (!synth || typeof window.SpeechSynthesisUtterance !== "function") {
      button.disabled = true;
      player.querySelector("[data-role=speech-note]").textContent =
        "Your browser cannot read aloud either: the transcript below is the whole lesson.";
      return;
    }
    const speakers = Array.from(new Set(items.map((item) => item.dataset.speaker)));
    let run = 0; // a new run (or a stop) makes the callbacks of the old one do nothing
    let index = -1;
    const setButton = (speaking) => {
      button.textContent = speaking ? "Stop reading" : "Read aloud";
      button.setAttribute("aria-pressed", String(speaking));
    };
    function stop() { run += 1; synth.cancel(); setButton(false); player.dataset.speaking = "false"; }
    function speakFrom(start) {
      stop();
      const mine = run;
      const say = (i) => {
        if (mine !== run) return;
        if (i >= items.length) { stop(); return; }
        index = i;
        highlight(items, i);
        player.dataset.current = String(i);
        const utterance = new window.SpeechSynthesisUtterance(items[i].querySelector(".line-text").textContent);
        const { voice, pitch } = voiceFor(items[i].dataset.speaker, speakers);
        if (voice) utterance.voice = voice;
        utterance.pitch = pitch;
        utterance.rate = parseFloat(speed.value) || 1;
        utterance.onend = () => say(i + 1);
        utterance.onerror = () => { if (mine === run) stop(); };
        synth.speak(utterance);
      };
      setButton(true);
      player.dataset.speaking = "true";
      say(start);
    }
    const speaking = () => player.dataset.speaking === "true";
    const toggle = () => (speaking() ? stop() : speakFrom(Math.max(0, index)));
    button.addEventListener("click", toggle);
    items.forEach((item, i) => item.addEventListener("click", () => speakFrom(i)));
    bindKeys(player, {
      toggle,
      back: () => speakFrom(Math.max(0, index - 1)),
      forward: () => speakFrom(Math.min(items.length - 1, index + 1)),
      previous: () => speakFrom(Math.max(0, index - 1)),
      next: () => speakFrom(Math.min(items.length - 1, index + 1)),
    });
    window.addEventListener("pagehide", stop);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-audio-player]").forEach((player) => {
      if (player.querySelector("audio")) initAudio(player);
      else initSpeech(player);
    });
  });
})();
