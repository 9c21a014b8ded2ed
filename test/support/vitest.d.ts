// Values handed from test/support/global-setup.ts to tests via inject().
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of each e2e worker's moto (one per worker), or [] when moto is unavailable (tests skip). */
    motoEndpoints: string[];
    /** The Python the motos run on (test/support/moto.ts motoPython()), or null without moto. */
    motoPython: string | null;
  }
}
