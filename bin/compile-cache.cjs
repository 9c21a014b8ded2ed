"use strict";
// A V8 code cache for cody's own bundles (dist/commands/*.cjs). Node 20 has no module.enableCompileCache,
// and compiling a command bundle is a third of `cody synth`'s start-up (bench/README.md). So each bundle
// is compiled through vm.Script with the bytes V8 serialized after an earlier run, kept in the user's
// cache folder. Any doubt means "compile as usual": a missing, unreadable, foreign or damaged file, or one
// V8 rejects. V8 does NOT checksum the bytes (a flipped byte crashes the process), so every file carries a
// CRC-32 of its payload, checked before V8 sees it. Files are written whole to a temporary name and
// renamed into place, so concurrent runs read either the old file or the new one, never half of one.
// A shared chunk serves many commands, and V8 serializes only the functions that have been compiled,
// so each file also lists the commands whose runs it holds: the first run of another command that uses
// the chunk writes it again at exit (the functions of the earlier runs, deserialized, plus its own).
// At most one rewrite per chunk and command, so the files settle after each command has run once.
// CODY_NO_COMPILE_CACHE=1 turns it off; CODY_COMPILE_CACHE_DIR moves it.
// Only what Node has loaded anyway: `cody --help` never compiles a command bundle, so it must not pay
// for os, vm and zlib (they are required on the first bundle compiled).
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const MAGIC = "cody-v8-cache-2";

/** The folder for this Node version (V8 rejects another version's bytes anyway), or undefined when off. */
function cacheFolder(env = process.env) {
  if (env.CODY_NO_COMPILE_CACHE && env.CODY_NO_COMPILE_CACHE !== "0") return undefined;
  let base = env.CODY_COMPILE_CACHE_DIR;
  if (!base) {
    // os.homedir() is $HOME on POSIX when it is set; node:os is required only to look further.
    const home = (process.platform !== "win32" && env.HOME) || require("node:os").homedir();
    if (process.platform === "win32") base = path.join(env.LOCALAPPDATA || path.join(home, "AppData", "Local"), "codybuild", "Cache");
    else if (process.platform === "darwin") base = path.join(home, "Library", "Caches", "codybuild");
    else base = path.join(env.XDG_CACHE_HOME || path.join(home, ".cache"), "codybuild");
    base = path.join(base, "compile-cache");
  }
  return path.join(base, `node-${process.version}-${process.arch}`);
}

/** A short, stable name for a bundle's cache file: one file per installed bundle, overwritten on change. */
function cacheName(file) {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return `${path.basename(file, ".cjs")}-${h.toString(16).padStart(8, "0")}.bin`;
}

// Layout: MAGIC "\n" key "\n" crc32-hex "\n" body, body = commands "\n" payload, the CRC over the body.
// The key names the exact bundle build; commands (comma-separated) are those whose runs the payload holds.
function encode(key, payload, crc32, commands = []) {
  const body = Buffer.concat([Buffer.from(`${commands.join(",")}\n`, "latin1"), payload]);
  return Buffer.concat([Buffer.from(`${MAGIC}\n${key}\n${crc32(body).toString(16)}\n`, "latin1"), body]);
}

/** { payload, commands } when `bytes` is an intact cache for `key`; undefined otherwise. */
function decode(bytes, key, crc32) {
  const head = `${MAGIC}\n${key}\n`;
  if (bytes.length <= head.length || bytes.toString("latin1", 0, head.length) !== head) return undefined;
  const end = bytes.indexOf(10, head.length);
  if (end < 0 || end - head.length > 8) return undefined;
  const body = bytes.subarray(end + 1);
  if (crc32(body).toString(16) !== bytes.toString("latin1", head.length, end)) return undefined;
  const split = body.indexOf(10);
  const payload = body.subarray(split + 1);
  if (split < 0 || payload.length === 0) return undefined;
  const list = body.toString("latin1", 0, split);
  return { payload, commands: list ? list.split(",") : [] };
}

function writeAtomically(file, bytes) {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, bytes, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    // Read-only home, full disk, a rename refused on Windows: the next run compiles as usual.
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/**
 * Deletes the files of bundles that are gone or were rebuilt (an upgrade of cody renames its chunks),
 * and temporary files a killed run left behind. Runs only when this run wrote a file, i.e. rarely.
 */
function prune(folder, keep) {
  let names;
  try {
    names = fs.readdirSync(folder);
  } catch {
    return;
  }
  const hourAgo = Date.now() - 3600_000;
  for (const name of names) {
    const file = path.join(folder, name);
    if (keep.has(file)) continue;
    try {
      if (name.endsWith(".tmp")) {
        if (fs.statSync(file).mtimeMs < hourAgo) fs.unlinkSync(file);
        continue;
      }
      if (!name.endsWith(".bin") || bundleExists(file)) continue;
      fs.unlinkSync(file);
    } catch {
      // deleted by a concurrent run, or not ours to delete
    }
  }
}

/** Whether the bundle a cache file was made from is still there, unchanged. */
function bundleExists(cacheFile) {
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(cacheFile, "r");
  let length;
  try {
    length = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const [magic, key] = head.toString("latin1", 0, length).split("\n");
  // Any format of this cache names its bundle on line 2: a file another version of cody wrote for a
  // bundle that is still there is that version's to keep (two installs may share the folder).
  if (!magic.startsWith("cody-v8-cache-") || !key) return false;
  const parts = key.split("|"); // path|size|mtime|length, and a path may hold a "|"
  parts.pop();
  const mtimeMs = parts.pop();
  const size = parts.pop();
  const bundle = parts.join("|");
  try {
    const stat = fs.statSync(bundle);
    return String(stat.size) === size && String(stat.mtimeMs) === mtimeMs;
  } catch {
    return false;
  }
}

/**
 * Same as Node's require for a module: resolves relative to it, shares the module cache. One shortcut:
 * the bundles of dist/ require each other by a relative path to a .cjs file ("../chunks/chunk-X.cjs"),
 * which is taken as the file itself, without Node's lookup (stats, realpath, package.json reads: a few
 * ms over the ~20 files of `cody synth`). Anything else, or a file that is not there, goes to Node.
 */
function makeRequire(mod, prefix) {
  const dir = path.dirname(mod.filename);
  const require = (id) => {
    if (typeof id === "string" && id.endsWith(".cjs") && (id.startsWith("./") || id.startsWith("../"))) {
      const filename = path.resolve(dir, id);
      if (filename.startsWith(prefix)) {
        const cached = Module._cache[filename];
        if (cached) return cached.exports;
        const child = new Module(filename, mod);
        Module._cache[filename] = child;
        try {
          child.load(filename); // Node's own loading from here on (extension handler, _compile)
        } catch (error) {
          delete Module._cache[filename];
          if (error && error.code === "ENOENT") return mod.require(id); // Node says what is missing
          throw error;
        }
        return child.exports;
      }
    }
    return mod.require(id);
  };
  require.resolve = (request, options) => Module._resolveFilename(request, mod, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * What sucrase made of the user's .cody/*.ts files in earlier runs, so that a run whose files did not
 * change loads no sucrase (dist/chunks/sucrase.cjs, required on the first miss). One file per source
 * path, keyed by the build (`salt`); it holds the whole source, compared byte for byte, so an edited
 * file is never answered with an old output, and a CRC-32 of the rest, so a damaged file is ignored.
 */
function tsCache(folder, salt, crc32) {
  const entry = (file) => path.join(folder, "ts", cacheName(file).replace(/\.bin$/, ".ts.bin"));
  return {
    get(file, source) {
      try {
        const bytes = fs.readFileSync(entry(file));
        const head = `${MAGIC}-ts\n${salt}\n${file}\n`;
        const crcEnd = bytes.indexOf(10, head.length);
        if (crcEnd < 0 || bytes.toString("utf8", 0, head.length) !== head) return undefined;
        const body = bytes.subarray(crcEnd + 1);
        if (crc32(body).toString(16) !== bytes.toString("latin1", head.length, crcEnd)) return undefined;
        const [length, ...rest] = body.toString("utf8").split("\n");
        const text = rest.join("\n");
        return text.slice(0, Number(length)) === source && Number(length) === source.length ? text.slice(source.length) : undefined;
      } catch {
        return undefined;
      }
    },
    set(file, source, code) {
      const body = Buffer.from(`${source.length}\n${source}${code}`, "utf8");
      writeAtomically(entry(file), Buffer.concat([Buffer.from(`${MAGIC}-ts\n${salt}\n${file}\n${crc32(body).toString(16)}\n`, "utf8"), body]));
    },
  };
}

/**
 * The output of `cody --help` from an earlier run of the same build: the entry's top-level help is
 * fixed by the build and the width commander wraps it to (the terminal's columns, 80 when stdout is
 * not a terminal), so a run that asks only for it can print it without loading the CLI. A hash of the
 * text guards against a damaged file (a wrong help, not a crash, but still not ours to print).
 */
function helpCache(bundle, stdout, env = process.env) {
  const folder = cacheFolder(env);
  if (!folder) return undefined;
  let head;
  try {
    const stat = fs.statSync(bundle);
    head = `${MAGIC}-help\n${bundle}|${stat.size}|${stat.mtimeMs}|${stdout.isTTY ? stdout.columns : "-"}\n`;
  } catch {
    return undefined;
  }
  const file = path.join(folder, cacheName(bundle).replace(/\.bin$/, ".help.txt"));
  const hash = (text) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    return `${h.toString(16)}-${text.length}`;
  };
  return {
    read() {
      try {
        const text = fs.readFileSync(file, "utf8");
        if (!text.startsWith(head)) return undefined;
        const end = text.indexOf("\n", head.length);
        const body = text.slice(end + 1);
        return end > 0 && hash(body) === text.slice(head.length, end) ? body : undefined;
      } catch {
        return undefined;
      }
    },
    write(body) {
      writeAtomically(file, Buffer.from(`${head}${hash(body)}\n${body}`, "utf8"));
    },
  };
}

/**
 * Routes the compilation of every .cjs file in `dir` (and its folders) through the cache. Returns false (and
 * changes nothing) when the cache is off. On a Node without zlib.crc32 (before 20.15) bundles compile
 * as usual.
 */
function install(dir, env = process.env) {
  if (env.CODY_NO_COMPILE_CACHE && env.CODY_NO_COMPILE_CACHE !== "0") return false;
  const prefix = path.resolve(dir) + path.sep;
  const commandsDir = path.join(prefix, "commands") + path.sep;
  const loaded = new Map(); // cache file → what to write back at exit, if anything
  let command; // the command this run is for: the first bundle of dist/commands/ it compiles
  const compile = Module.prototype._compile;
  let folder;
  let crc32;
  let vm;
  Module.prototype._compile = function (content, filename, ...rest) {
    const ours = filename.startsWith(prefix) && filename.endsWith(".cjs");
    if (ours && folder === undefined) {
      folder = cacheFolder(env) ?? null;
      crc32 = require("node:zlib").crc32;
      vm = require("node:vm");
      if (typeof crc32 !== "function") folder = null; // Node before 20.15: no cache
      else if (folder) {
        // The entry bundle's build names the sucrase that made the outputs (a rebuild rewrites it).
        const entry = fs.statSync(filename);
        globalThis[Symbol.for("codybuild.tsCache")] = tsCache(folder, `${filename}|${entry.size}|${entry.mtimeMs}`, crc32);
      }
    }
    if (!ours || !folder) return compile.call(this, content, filename, ...rest);
    if (command === undefined && filename.startsWith(commandsDir)) command = path.basename(filename, ".cjs");
    const cacheFile = path.join(folder, cacheName(filename));
    let key;
    let cached;
    try {
      const stat = fs.statSync(filename);
      key = `${filename}|${stat.size}|${stat.mtimeMs}|${content.length}`;
      cached = decode(fs.readFileSync(cacheFile), key, crc32);
    } catch {
      // no cache yet, or not readable
    }
    const script = new vm.Script(Module.wrap(content), { filename, cachedData: cached?.payload });
    if (key && !loaded.has(cacheFile)) {
      const accepted = cached !== undefined && !script.cachedDataRejected;
      loaded.set(cacheFile, { script, key, commands: accepted ? cached.commands : undefined });
    }
    const fn = script.runInThisContext({ displayErrors: true });
    return fn.call(this.exports, this.exports, makeRequire(this, prefix), this, filename, path.dirname(filename));
  };
  // Serialized at exit, so the cache also holds the functions this run compiled lazily. Written when
  // there was none (or V8 refused it), or when this command's functions were never added to it.
  process.once("exit", () => {
    const who = command ?? "cli";
    const written = [];
    for (const [cacheFile, { script, key, commands }] of loaded) {
      if (commands?.includes(who)) continue;
      try {
        writeAtomically(cacheFile, encode(key, script.createCachedData(), crc32, [...(commands ?? []), who]));
        written.push(cacheFile);
      } catch {
        // V8 could not serialize: no cache this time
      }
    }
    if (written.length > 0) prune(folder, new Set(written));
  });
  return true;
}

module.exports = { install, helpCache, cacheFolder, cacheName, encode, decode };
