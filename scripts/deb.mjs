#!/usr/bin/env node
// `npm run deb` (optional, after `npm run bundle`): build/duban_<version>_amd64.deb from the same bundle, with
// dpkg-deb. It installs the bundle as /opt/duban/duban-<version>, /usr/bin/duban, a systemd unit (duban.service),
// a `duban` system user whose home /var/lib/duban holds the data, and /etc/duban/duban.env (a conffile: an upgrade
// keeps the operator's edits). See docs/bundle.md "A Debian package".
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const name = `duban-${pkg.version}`;
const tarball = join(out, `${name}-linux-x64.tar.gz`);
const deb = join(out, `duban_${pkg.version}_amd64.deb`);
const tree = join(out, "deb");

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function write(path, text, mode = 0o644) {
  mkdirSync(dirname(join(tree, path)), { recursive: true });
  writeFileSync(join(tree, path), text);
  chmodSync(join(tree, path), mode);
}

if (!existsSync(tarball)) throw new Error(`${tarball} does not exist: run npm run bundle first`);
const info = JSON.parse(spawnSync("tar", ["xzf", tarball, "-O", `${name}/bundle.json`], { encoding: "utf8" }).stdout);
rmSync(tree, { recursive: true, force: true });
mkdirSync(join(tree, "opt", "duban"), { recursive: true });
run("tar", ["xzf", tarball, "-C", join(tree, "opt", "duban")]);
mkdirSync(join(tree, "usr", "bin"), { recursive: true });
// Relative links, so the unpacked package (dpkg-deb -x) runs where it lies too.
for (const command of ["duban", "duban-start"]) symlinkSync(`../../opt/duban/${name}/bin/${command}`, join(tree, "usr", "bin", command));

write(
  "etc/duban/duban.env",
  [
    "# duban's settings (KEY=value lines; see docs/bundle.md and .env.example). Read by duban.service and by the",
    "# duban command. `duban init` can fill this in.",
    "DATABASE_URL=file:/var/lib/duban/duban.db",
    "# DUBAN_DIRECTORY=/etc/duban/directory.yaml",
    "# MATRIX_HOMESERVER_URL=https://matrix.example.gov.cn",
    "# MATRIX_ACCESS_TOKEN=",
    "# NODE_EXTRA_CA_CERTS=/etc/duban/bureau-ca.pem",
    "",
  ].join("\n"),
  0o640,
);
write(
  "lib/systemd/system/duban.service",
  [
    "[Unit]",
    "Description=duban (督办) chat bot",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "User=duban",
    "Group=duban",
    "WorkingDirectory=/var/lib/duban",
    "EnvironmentFile=/etc/duban/duban.env",
    "Environment=CHECKPOINT_DISABLE=1",
    // The wrapper execs Node: Node is the main process and gets SIGTERM and the SIGHUP that reloads the directory.
    "ExecStart=/usr/bin/duban-start",
    "ExecReload=/bin/kill -HUP $MAINPID",
    "KillMode=control-group",
    "KillSignal=SIGTERM",
    "TimeoutStopSec=60",
    "Restart=on-failure",
    "UMask=0077",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n"),
);
write(
  "DEBIAN/control",
  [
    "Package: duban",
    `Version: ${pkg.version}`,
    "Architecture: amd64",
    "Maintainer: duban <duban@localhost>",
    `Depends: libc6 (>= ${info.glibc}), libstdc++6, adduser`,
    "Section: net",
    "Priority: optional",
    `Description: duban (督办) chat bot, with its own Node.js ${info.node}`,
    " Keeps a government action plan on track from inside the team's chat rooms.",
    " The offline bundle: no network and no other Node.js needed.",
    "",
  ].join("\n"),
);
write("DEBIAN/conffiles", "/etc/duban/duban.env\n");
write(
  "DEBIAN/postinst",
  `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  getent passwd duban >/dev/null || adduser --system --group --home /var/lib/duban --no-create-home duban
  mkdir -p /var/lib/duban
  chown duban:duban /var/lib/duban
  chmod 750 /var/lib/duban
  chown root:duban /etc/duban/duban.env
  if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
fi
`,
  0o755,
);
write(
  "DEBIAN/prerm",
  `#!/bin/sh
set -e
if [ -d /run/systemd/system ] && [ "$1" = remove ]; then systemctl stop duban.service || true; fi
`,
  0o755,
);
write(
  "DEBIAN/postrm",
  `#!/bin/sh
set -e
# The data in /var/lib/duban and the duban user stay, also on purge: they are the bureau's records.
if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
`,
  0o755,
);
rmSync(deb, { force: true });
// DUBAN_DEB_COMPRESSION=none makes a larger package faster (the tests use it).
run("dpkg-deb", ["--root-owner-group", `-Z${process.env.DUBAN_DEB_COMPRESSION ?? "gzip"}`, "--build", tree, deb]);
rmSync(tree, { recursive: true, force: true });
console.log(`deb: ${deb}`);
