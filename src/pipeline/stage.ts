// The one shape of every stage between a parsed event and delivery. A stage takes items (`push`) and hands
// what it makes to the stage after it, at once or later (a digest's deadline, a throttle's release); the
// composition (src/plan/compose-pipeline.ts) connects them in flow order with `to`, so an item is followed
// from stage to stage by reading that one list.
export interface Inlet<T> {
  push(item: T): void;
}

const UNCONNECTED: Inlet<never> = {
  push: () => {
    throw new Error('a pipeline stage was used before the composition connected it');
  },
};

export abstract class Stage<In, Out> implements Inlet<In> {
  /** The stage after this one. */
  protected next: Inlet<Out> = UNCONNECTED;

  abstract push(item: In): void;

  /** Let everything held go out now (the end of `relay replay`). */
  flush(): void {}

  /** Relay stops: what the stage holds stays in the state store, to resume at its own deadlines. */
  stop(): void {}

  /** Connects the stage after this one; returns it, so a composition reads as one chain in flow order. */
  to<Next extends Inlet<Out>>(next: Next): Next {
    this.next = next;
    return next;
  }
}
