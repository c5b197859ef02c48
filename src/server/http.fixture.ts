/** Test helpers for the server tests: requests over real HTTP on loopback, and raw sockets. */
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function call(base: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; json?: unknown } = {}): Promise<Reply> {
  const headers = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers["Content-Type"] ??= "application/json";
  }
  const res = await fetch(base + path, { method: init.method ?? (body === undefined ? "GET" : "POST"), headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A request whose body is written in chunks (a large body), tolerating the server closing early. */
export function streamRequest(base: string, path: string, headers: Record<string, string>, chunks: number, chunk: Buffer): Promise<{ status: number; body: string }> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    // The server may answer and close before the whole body is sent: that is the point.
    req.on("error", (e: NodeJS.ErrnoException) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? undefined : reject(e)));
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

/** A raw TCP connection: what it receives until the server closes it. */
export function rawSocket(base: string): { socket: Socket; closed: Promise<string> } {
  const url = new URL(base);
  const socket = connect(Number(url.port), url.hostname);
  const closed = new Promise<string>((resolve) => {
    let got = "";
    socket.setEncoding("utf8");
    socket.on("data", (d) => (got += d));
    socket.on("close", () => resolve(got));
    socket.on("error", () => {});
  });
  return { socket, closed };
}

/** Poll until `ok` holds (checks a server's state between steps; no time limit of its own). */
export async function until(ok: () => Promise<boolean>): Promise<void> {
  while (!(await ok())) await new Promise((r) => setTimeout(r, 20));
}
