// The moto look-up of the e2e global setup: found without importing moto, and a Python without it fails
// the run under CI=true instead of skipping the e2e files.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { motoAvailable, motoPython } from "./moto";

const SYSTEM_PYTHON = "/usr/bin/python3";
const saved = { PATH: process.env.PATH, CI: process.env.CI, MOTO_PYTHON: process.env.MOTO_PYTHON };

afterEach(() => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

describe("motoPython / motoAvailable", () => {
  it("finds the interpreter that has moto.server (its real path, past a pyenv shim) and starts no moto", () => {
    const python = motoPython();
    if (python === null) return; // no moto here: the next test covers that case
    expect(python).toMatch(/python[\d.]*$/);
    expect(python).not.toContain("/shims/");
  });

  it.runIf(process.platform === "linux")("a Python without moto: skipped locally, an error under CI=true", () => {
    // Only a Python without moto on PATH: the system one when it lacks moto (else this case cannot be made here).
    const bin = mkdtempSync(join(tmpdir(), "cody-no-moto-"));
    try {
      symlinkSync(SYSTEM_PYTHON, join(bin, "python3"));
      process.env.PATH = bin;
      delete process.env.MOTO_PYTHON;
      if (motoPython() !== null) return; // the system Python has moto
      delete process.env.CI;
      expect(motoAvailable()).toEqual({ ok: false, why: "no python3 on PATH has moto.server (needs moto[server] 5.x)" });
      process.env.CI = "true";
      expect(() => motoAvailable()).toThrow("moto is required when CI=true: no python3 on PATH has moto.server");
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
