/**
 * What a UDP datagram or a TCP segment carries above its header.
 *
 * Most traffic in a lab carries bytes nobody reads (ping's pattern, traceroute's probe): those are a
 * length only. Applications that talk (an HTTP server, a DNS resolver) carry real content: raw bytes,
 * or a structured message that knows its own length on the wire (a DNS message, a VXLAN-encapsulated
 * frame). A receiver narrows a message by its `app` tag.
 */

/** A structured application message; a protocol module extends this with its own fields. */
export interface AppMessage {
  /** which protocol's message this is ("dns", "vxlan", …) */
  readonly app: string;
  /** its length on the wire, in bytes */
  readonly len: number;
}

export interface Payload {
  /** bytes on the wire */
  readonly len: number;
  /** the content, when it matters: raw bytes, or a structured message */
  readonly data: Uint8Array | AppMessage | undefined;
}

/** `len` bytes whose content does not matter. */
export const fillPayload = (len: number): Payload => ({ len, data: undefined });

/** Real bytes. */
export const bytesPayload = (bytes: Uint8Array): Payload => ({ len: bytes.length, data: bytes });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text as UTF-8 bytes (an HTTP request, a line typed into nc). */
export const textPayload = (text: string): Payload => bytesPayload(encoder.encode(text));

/** A structured message, its length the message's own. */
export const messagePayload = (m: AppMessage): Payload => ({ len: m.len, data: m });

/** The payload's bytes as text, or undefined when it carries no bytes. */
export const payloadText = (p: Payload): string | undefined => (p.data instanceof Uint8Array ? decoder.decode(p.data) : undefined);

/** The payload's message when it is one of protocol `app`. */
export function payloadMessage<M extends AppMessage>(p: Payload, app: M['app']): M | undefined {
  const d = p.data;
  return d !== undefined && !(d instanceof Uint8Array) && d.app === app ? (d as M) : undefined;
}

export const EMPTY_PAYLOAD: Payload = fillPayload(0);
