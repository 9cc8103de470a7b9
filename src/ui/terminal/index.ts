export { TerminalDock } from './TerminalDock';
