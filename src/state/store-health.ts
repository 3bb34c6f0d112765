// What a durable store says about itself, for logs and the readiness endpoint: whether its writes reach
// the disk now, and if not since when and why.
export interface StoreHealth {
  readonly writable: boolean;
  /** Epoch ms of the first failed write of the current outage. */
  readonly since?: number;
  readonly error?: string;
}
