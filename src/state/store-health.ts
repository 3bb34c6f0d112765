// Whether a store relay keeps state in (the outbox, later the pipeline's state store) can still write: what
// /readyz reports. A store that cannot write means accepted alerts may not survive, so relay is not ready.

export interface StoreHealth {
  writable: boolean;
  /** Epoch ms at which it stopped being writable; absent while writable. */
  since?: number;
  /** Why it cannot write (e.g. `SQLITE_FULL: database or disk is full`); absent while writable. */
  error?: string;
}

/** Implemented by every store whose writability /readyz reports. */
export interface ReportsStoreHealth {
  health(): StoreHealth;
}
