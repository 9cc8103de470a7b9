/**
 * "How Hoplab works" in one screen: what the boxes are, where to type, how to read a trace, and
 * the keyboard shortcuts.
 */
import { allCommands } from '../../commands';
import { NoticeDialog } from './Dialog';

export function HelpDialog({ onClose }: { onClose: () => void }) {
  return (
    <NoticeDialog title="How Hoplab works" button="Got it" onClose={onClose}>
      <div className="help">
        <section>
          <h3>The lab</h3>
          <p>
            Each <strong>machine</strong> is a Linux network namespace. <strong>Pods</strong> are namespaces on a machine, joined to its{' '}
            <strong>bridge</strong> by a veth pair. Machines are cabled to <strong>LAN switches</strong>. Ports show each interface’s name,
            address and state (UP, DOWN, NO-CARRIER).
          </p>
        </section>
        <section>
          <h3>Change it</h3>
          <p>
            Type real commands in a terminal (double-click a box, or its <code>&gt;_</code> button), or use the inspector and the Add menu:
            they run the same commands and show them at the bottom of the canvas. A command that fails shows its error and changes
            nothing.
          </p>
        </section>
        <section>
          <h3>Commands</h3>
          <p>
            Type <code>help</code> in a terminal for this list, <code>help NAME</code> for one command.
          </p>
          <dl className="help__commands">
            {allCommands().map((c) => (
              <div key={c.name}>
                <dt>
                  <code>{c.name}</code>
                </dt>
                <dd>
                  {c.summary}
                  {c.learn && (
                    <>
                      {' '}
                      (learn more: <code>{c.learn}</code>)
                    </>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </section>
        <section>
          <h3>Follow a packet</h3>
          <p>
            Every <code>ping</code> and <code>traceroute</code> is traced. Step through the trace: the canvas lights up where the packet is,
            and a drop says why, in the kernel’s words, often with a one-click fix.
          </p>
        </section>
        <section>
          <h3>Keyboard</h3>
          <dl className="help__keys">
            <dt>
              <kbd>Tab</kbd> / <kbd>Enter</kbd>
            </dt>
            <dd>move between boxes on the canvas / select one for the inspector</dd>
            <dt>
              <kbd>Delete</kbd> on a box
            </dt>
            <dd>delete that machine, pod or LAN switch (undo brings it back)</dd>
            <dt>
              <kbd>↑</kbd> <kbd>↓</kbd> in the trace
            </dt>
            <dd>step the packet back and forth; <kbd>Space</kbd> plays or pauses</dd>
            <dt>
              <kbd>Ctrl</kbd>+<kbd>Z</kbd>, <kbd>Ctrl</kbd>+<kbd>Shift</kbd>+<kbd>Z</kbd>
            </dt>
            <dd>undo, redo (any change, including commands typed in a terminal)</dd>
            <dt>
              <kbd>↑</kbd> <kbd>↓</kbd> on the panel divider
            </dt>
            <dd>give the terminals more or less room</dd>
            <dt>
              <kbd>Esc</kbd>
            </dt>
            <dd>close a dialog or menu</dd>
          </dl>
        </section>
        <section>
          <h3>Your work</h3>
          <p>
            The lab is saved in this browser as you go. Export saves it as a file you can share; Import opens one. A link with{' '}
            <code>?lab=before-routes</code> opens a stage of the lesson.
          </p>
        </section>
      </div>
    </NoticeDialog>
  );
}
