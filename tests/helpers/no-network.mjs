// Preload for tests: every outbound connection attempt (TCP, DNS, fetch) is written to $NO_NET_LOG and
// fails loudly, except to $NO_NET_ALLOW (host:port, the configured homeserver). Unix sockets and pipes are not network.
import { appendFileSync } from "node:fs";
import dns from "node:dns";
import net from "node:net";

const log = process.env.NO_NET_LOG;
const allow = new Set((process.env.NO_NET_ALLOW ?? "").split(",").filter(Boolean));
const record = (what) => {
  if (log) appendFileSync(log, `${process.pid} ${what}\n`);
  return new Error(`no-network: blocked ${what}`);
};

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const opts = typeof args[0] === "object" && args[0] !== null ? (Array.isArray(args[0]) ? args[0][0] : args[0]) : { port: args[0], host: args[1] };
  if (opts && opts.path !== undefined) return connect.apply(this, args);
  const target = `${opts?.host ?? "localhost"}:${opts?.port}`;
  if (allow.has(target)) return connect.apply(this, args);
  const err = record(`tcp ${target}`);
  process.nextTick(() => this.destroy(err));
  return this;
};
for (const name of ["lookup", "resolve", "resolve4", "resolve6"]) {
  const original = dns[name];
  dns[name] = function (host, ...rest) {
    const cb = rest[rest.length - 1];
    const err = record(`dns ${host}`);
    if (typeof cb === "function") process.nextTick(() => cb(err));
    else return original.call(this, host, ...rest);
  };
  const p = dns.promises[name];
  dns.promises[name] = async (host) => {
    throw record(`dns ${host}`);
  };
  void p;
}
if (typeof globalThis.fetch === "function") {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(typeof input === "string" ? input : input.url);
    if (allow.has(url.host)) return original(input, init);
    return Promise.reject(record(`fetch ${url.href}`));
  };
}
