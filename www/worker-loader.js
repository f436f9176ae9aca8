// Starts the analysis worker. Paths are relative to this file, so the site works from any prefix.
importScripts("vigil-worker.js");
wasm_bindgen("vigil-worker_bg.wasm");
