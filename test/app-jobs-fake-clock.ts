/** A Vitest file's embedded executor on a FakeClock (./app-jobs.ts), started and stopped with the file. */
import { afterAll, beforeAll } from "vitest";
import { FakeClock } from "../server/embedded/jobs/clock";
import { startAppJobs } from "./app-jobs";

/**
 * The app's functions in an embedded executor driven by a FakeClock that starts at `Date.now()`, for one
 * test file: started before its tests, stopped after. Read `jobs` and `clock` inside the tests (they are
 * set once `beforeAll` has run).
 */
export function appJobsWithFakeClock(): { readonly jobs: Awaited<ReturnType<typeof startAppJobs>>; readonly clock: FakeClock } {
  let jobs: Awaited<ReturnType<typeof startAppJobs>> | undefined;
  let clock: FakeClock | undefined;
  beforeAll(async () => {
    clock = new FakeClock(Date.now());
    jobs = await startAppJobs({ clock });
  });
  afterAll(async () => {
    await jobs?.stop();
  });
  return {
    get jobs() {
      return jobs!;
    },
    get clock() {
      return clock!;
    },
  };
}
