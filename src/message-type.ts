// The kinds of message an alert can be, as Apprise names them. Defined once here: the config schema builds its
// enum from this list, and every notifier maps these to its own colour or priority.
export const MESSAGE_TYPES = ['info', 'success', 'warning', 'failure'] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

const RANK: Record<MessageType, number> = { success: 0, info: 1, warning: 2, failure: 3 };

/** How loud a type is, for ordering: failure first when sorted by descending rank. */
export function typeRank(type: MessageType): number {
  return RANK[type];
}

/** The loudest of several alerts' types: a message that stands for them all is as loud as its loudest. */
export function loudestType(types: readonly MessageType[]): MessageType {
  return types.reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
}
