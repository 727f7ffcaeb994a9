// Requests to the site's own endpoints, shared by every page script (loaded first, in base.html):
// window.api.csrfToken(), api.postJSON(url, body) and api.postForm(url, formData).
// URLs come from the page (json_script or data- attributes filled by reverse()), never from here.
(() => {
  "use strict";

  // The cookie when the page has one (CSRF_COOKIE_HTTPONLY is off), else the form's hidden input.
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // A refused request becomes an Error saying why: DRF's `detail`, else the field errors, else the
  // status; with Retry-After (a 429) it says how long to wait. `status` and `data` ride along.
  async function answer(resp) {
    const data = await resp.json().catch(() => ({}));
    if (resp.ok) return data;
    const wait = resp.headers.get("Retry-After");
    const why = data.detail || (Object.keys(data).length ? JSON.stringify(data) : `HTTP ${resp.status}`);
    const error = new Error(why + (wait ? ` (wait ${wait} s)` : ""));
    error.status = resp.status;
    error.data = data;
    throw error;
  }

  async function postJSON(url, body) {
    const resp = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
    return answer(resp);
  }

  async function postForm(url, formData) {
    const resp = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: formData,
    });
    return answer(resp);
  }

  window.api = Object.freeze({ csrfToken, postJSON, postForm });
})();
