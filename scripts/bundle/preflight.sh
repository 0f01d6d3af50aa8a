# Sourced by bin/duban and bin/duban-start (POSIX sh) with $root set to the bundle's folder. Written by
# scripts/bundle.mjs, which measured the newest glibc symbol version the bundle's binaries need.
duban_glibc_min=@GLIBC_MIN@

duban_fail() {
  printf '%s\n' "$@" >&2
  exit 3
}

# glibc: node itself cannot start on an older one, so the check is here, before node runs.
duban_glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null) || duban_glibc=
case $duban_glibc in
  glibc\ *) duban_glibc=${duban_glibc#glibc } ;;
  *) duban_glibc=$(ldd --version 2>/dev/null | sed -n '1s/.* \([0-9][0-9]*\.[0-9][0-9]*\)$/\1/p') ;;
esac
if [ -z "$duban_glibc" ]; then
  duban_fail "duban 无法启动：找不到 glibc（本安装包需要 Linux x86-64、glibc $duban_glibc_min 或更新；musl 系统如 Alpine 不支持）。" \
    "duban cannot start: no glibc found (this bundle needs Linux x86-64 with glibc $duban_glibc_min or newer; musl systems such as Alpine are not supported)."
fi
duban_have_major=${duban_glibc%%.*}
duban_have_minor=${duban_glibc#*.}
duban_have_minor=${duban_have_minor%%.*}
duban_need_major=${duban_glibc_min%%.*}
duban_need_minor=${duban_glibc_min#*.}
if [ "$duban_have_major" -lt "$duban_need_major" ] ||
  { [ "$duban_have_major" -eq "$duban_need_major" ] && [ "$duban_have_minor" -lt "$duban_need_minor" ]; }; then
  duban_fail "duban 无法启动：本机 glibc 版本是 $duban_glibc，本安装包需要 glibc $duban_glibc_min 或更新。请在与本机系统相同的机器上用 npm run bundle 重新打包（见 docs/bundle.md）。" \
    "duban cannot start: this system has glibc $duban_glibc, and this bundle needs glibc $duban_glibc_min or newer. Build the bundle with npm run bundle on a machine like this one (see docs/bundle.md)."
fi

# The env file: $DUBAN_ENV_FILE, else /etc/duban/duban.env when it exists. KEY=value lines, as systemd's
# EnvironmentFile reads them; a variable already in the environment wins. The app reads the same file again
# (src/startup.ts) with the one full parser; here only the NODE_* variables are exported, so that node itself sees
# NODE_EXTRA_CA_CERTS and NODE_OPTIONS from its start. `duban init` writes the file, so its DUBAN_ENV_FILE may not exist yet.
if [ -n "${DUBAN_ENV_FILE:-}" ] && [ ! -f "$DUBAN_ENV_FILE" ] && [ "${1:-}" = init ]; then
  duban_env_file=
elif [ -n "${DUBAN_ENV_FILE:-}" ]; then
  [ -f "$DUBAN_ENV_FILE" ] || duban_fail "duban 无法启动：DUBAN_ENV_FILE 指向的文件不存在：$DUBAN_ENV_FILE" \
    "duban cannot start: DUBAN_ENV_FILE names a file that does not exist: $DUBAN_ENV_FILE"
  duban_env_file=$DUBAN_ENV_FILE
elif [ -f /etc/duban/duban.env ]; then
  duban_env_file=/etc/duban/duban.env
else
  duban_env_file=
fi
if [ -n "$duban_env_file" ] && [ ! -r "$duban_env_file" ]; then
  duban_fail "duban 无法启动：没有权限读取环境文件 $duban_env_file（请以 duban 用户或 root 运行，例如 sudo -u duban duban doctor）。" \
    "duban cannot start: no permission to read the env file $duban_env_file (run as the duban user or root, e.g. sudo -u duban duban doctor)."
fi
if [ -n "$duban_env_file" ]; then
  while IFS= read -r duban_line || [ -n "$duban_line" ]; do
    duban_line=${duban_line%"$(printf '\r')"}
    case $duban_line in '' | '#'* | ';'*) continue ;; esac
    duban_line=${duban_line#export }
    duban_key=${duban_line%%=*}
    [ "$duban_key" = "$duban_line" ] && continue
    case $duban_key in NODE_*) ;; *) continue ;; esac
    case $duban_key in *[!A-Za-z0-9_]*) continue ;; esac
    duban_value=${duban_line#*=}
    # Surrounding quotes go, as systemd and Node's loadEnvFile take them off.
    case $duban_value in
      \"*\") duban_value=${duban_value#\"} duban_value=${duban_value%\"} ;;
      \'*\') duban_value=${duban_value#\'} duban_value=${duban_value%\'} ;;
    esac
    eval "duban_set=\${$duban_key+x}"
    [ -n "$duban_set" ] || export "$duban_key=$duban_value"
  done <"$duban_env_file"
fi
unset duban_glibc duban_have_major duban_have_minor duban_need_major duban_need_minor duban_env_file duban_line duban_key duban_value duban_set
