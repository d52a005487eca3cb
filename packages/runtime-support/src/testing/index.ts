export { flush, ManualClock } from './manual-clock.js';
