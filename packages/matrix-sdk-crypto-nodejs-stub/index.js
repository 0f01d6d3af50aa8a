"use strict";
// Stand-in for @matrix-org/matrix-sdk-crypto-nodejs, whose postinstall downloads a
// native binary (impossible offline). matrix-bot-sdk imports it at load time but only
// uses it when end-to-end encryption is enabled, which duban never does.
const message = "duban: end-to-end encryption is not supported (the native Matrix crypto module is not installed)";

function unsupported(name) {
  // A function, not an arrow: the proxy's construct trap needs a constructible target with a prototype.
  function fn() {
    throw new Error(`${message}: ${name}`);
  }
  return new Proxy(fn, {
    get(target, prop) {
      if (prop === "prototype") return target.prototype;
      if (typeof prop === "symbol") return undefined;
      return unsupported(`${name}.${String(prop)}`);
    },
    construct() {
      throw new Error(`${message}: new ${name}`);
    },
  });
}

module.exports = new Proxy(
  {},
  {
    get(_target, prop) {
      if (prop === "__esModule") return false;
      if (typeof prop === "symbol" || prop === "then") return undefined;
      return unsupported(String(prop));
    },
  },
);
