export { CapturePanel } from './CapturePanel';
