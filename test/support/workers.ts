// How many e2e files run at a time, each worker against its own moto (test/support/global-setup.ts).
// Two on the 2-core machines these tests run on: the files spend most of their time waiting on
// the CLI's polls, which overlap well; more would only queue for the CPU. CODY_TEST_E2E_WORKERS=1
// runs them one at a time (e.g. to read one file's moto log undisturbed).
export function e2eWorkers(environment: Record<string, string | undefined> = process.env): number {
  const wanted = Number(environment.CODY_TEST_E2E_WORKERS ?? "2");
  return Number.isInteger(wanted) && wanted >= 1 ? wanted : 2;
}
