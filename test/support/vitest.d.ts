// Values handed from test/support/global-setup.ts to tests via inject().
import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the run's moto, or null when moto is unavailable (tests skip). */
    motoEndpoint: string | null;
  }
}
