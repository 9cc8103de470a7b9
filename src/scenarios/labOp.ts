/**
 * One thing the student did to a lab, after its base scenario: a command, or a topology change
 * that has no shell equivalent. A lab document (src/store/doc.ts) is a base plus a list of these;
 * replaying them rebuilds the lab (whose state the Linux export, export.ts, writes as commands).
 */
export type LabOp =
  /** a shell line run on a namespace; `edit` marks configuration changes (undo checkpoints); `stdin` is what it read (`kubectl apply -f -`) */
  | { kind: 'cmd'; on: string; run: string; edit: boolean; interrupt?: number; stdin?: string }
  /** a new machine: its own network namespace with lo up */
  | { kind: 'host'; name: string }
  /** a LAN switch (a bridge in a hidden namespace) and the host interfaces plugged into it */
  | { kind: 'lan'; name: string; members: string[] }
  /** one more "host:ifname" plugged into an existing LAN */
  | { kind: 'lan-member'; lan: string; member: string }
  /** a point-to-point cable between "hostA:if" and "hostB:if" */
  | { kind: 'link'; a: string; b: string }
  /** a machine (or pod) taken off the lab: its namespace, its interfaces and their veth peers */
  | { kind: 'remove-host'; name: string }
  /** a LAN switch taken away, with every cable plugged into it */
  | { kind: 'remove-lan'; name: string };
