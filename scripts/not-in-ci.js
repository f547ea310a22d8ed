// Ink switches to a one-frame, non-interactive logger when CI is set. The dashboard checks
// for a TTY itself (and has --once for scripts), so a terminal is always interactive.
export default false;
