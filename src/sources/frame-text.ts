// A syslog frame's bytes as text, decoded as cheaply as V8 allows: it decodes pure ASCII several times faster
// than anything else (and keeps it one byte a character), while RFC 5424 senders (loggen, syslog-ng) put a
// BOM before each MSG. So a BOM that follows an ASCII byte is cut out and the halves on either side are
// decoded apart: the same text, and a parser that finds MSG starting at the cut never joins them.

const BOM = '\uFEFF';

export interface FrameText {
  /** The frame's text: what `raw` and an unparsed event's message are. Joined from head and tail lazily (a rope). */
  text: string;
  /** The text before the cut BOM; all of `text` when none was cut. */
  head: string;
  /** The text after the cut BOM; undefined when none was cut. */
  tail: string | undefined;
}

/** What frameText returns: one object rewritten for every frame, as its callers read it at once (no object a line). */
const OUT: FrameText = { text: '', head: '', tail: undefined };

/**
 * Invalid UTF-8 becomes U+FFFD: a hostile byte must cost one character, not the event. The result is valid
 * until the next call: read it at once.
 */
export function frameText(frame: Buffer): Readonly<FrameText> {
  const end = withoutTrailer(frame);
  const bom = frame.indexOf(0xef);
  // After an ASCII byte a BOM starts a character in any decoding, so cutting there changes no character.
  if (bom < 1 || bom + 3 > end || frame[bom + 1] !== 0xbb || frame[bom + 2] !== 0xbf || frame[bom - 1]! >= 0x80) {
    const text = frame.toString('utf8', 0, end);
    OUT.text = text;
    OUT.head = text;
    OUT.tail = undefined;
    return OUT;
  }
  const head = frame.toString('utf8', 0, bom);
  const tail = frame.toString('utf8', bom + 3, end);
  OUT.text = head + BOM + tail;
  OUT.head = head;
  OUT.tail = tail;
  return OUT;
}

/** Where the text ends: syslog senders end frames with any mix of CR, LF and NUL, none of it message. */
function withoutTrailer(frame: Buffer): number {
  let end = frame.length;
  while (end > 0) {
    const b = frame[end - 1];
    if (b !== 0x0a && b !== 0x0d && b !== 0x00) break;
    end--;
  }
  return end;
}
