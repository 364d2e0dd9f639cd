// A tiny static server for the demo: serves www/ and the built package pkg/ from the repository
// root on 127.0.0.1. `node www/serve.mjs [port]` prints the page URL; tests import startServer().
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const served = ["www", "pkg"].map((dir) => resolve(root, dir) + sep);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

export function startServer(port = 0) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const file = resolve(root, "." + normalize(path === "/" ? "/www/index.html" : path));
    if (!served.some((dir) => file.startsWith(dir))) {
      response.writeHead(404).end("not found");
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end("not found");
    }
  });
  return new Promise((resolveUrl) => {
    server.listen(port, "127.0.0.1", () => {
      resolveUrl({ url: `http://127.0.0.1:${server.address().port}/www/index.html`, close: () => server.close() });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { url } = await startServer(Number(process.argv[2] ?? 8080));
  console.log(url);
}
