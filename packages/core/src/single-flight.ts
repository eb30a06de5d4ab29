/**
 * Coalescing of concurrent loads of one key (H8): while a load for a key runs, further callers
 * for that key wait for it and receive its outcome instead of starting their own. N concurrent
 * resolves of one client_id therefore cause one fetch.
 *
 * Contract for implementations: at most one `load` per key runs at a time within the
 * implementation's scope (one process for {@link createSingleFlight}; a distributed
 * implementation may widen it to a cluster with a lock). A distributed implementation cannot
 * hand one process's result to another, so it may call `load` again in each process after the
 * leader finishes; callers must therefore write `load` so that a repeat is cheap (the resolver's
 * load first looks in the shared cache for a document fetched meanwhile).
 */
export interface SingleFlight {
  /** Run `load`, or join the run already in flight for `key`; settles with that run's outcome. */
  run<T>(key: string, load: () => Promise<T>): Promise<T>;
}

/** In-process {@link SingleFlight}: a map of the promises in flight, emptied as they settle. */
export function createSingleFlight(): SingleFlight & { readonly inFlight: number } {
  const flights = new Map<string, Promise<unknown>>();
  return {
    get inFlight() {
      return flights.size;
    },
    run<T>(key: string, load: () => Promise<T>): Promise<T> {
      const running = flights.get(key);
      if (running !== undefined) return running as Promise<T>;
      // A load that throws synchronously becomes a rejection, so every caller sees one shape.
      const started = Promise.resolve().then(load);
      const flight: Promise<T> = started.finally(() => {
        if (flights.get(key) === flight) flights.delete(key);
      });
      flights.set(key, flight);
      return flight;
    },
  };
}
