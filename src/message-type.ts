// The kinds of message an alert can be, as Apprise names them. Defined once here: the config schema builds its
// enum from this list, and every notifier maps these to its own colour or priority.
export const MESSAGE_TYPES = ['info', 'success', 'warning', 'failure'] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];
