// Package input reads the files a user hands ftcheck — scenarios,
// instances, litmus tests, JSON reports — through a size limit, so that a
// wrong path (/dev/zero, a FIFO, a multi-gigabyte log) gets a clear error
// instead of growing memory without bound or blocking forever.
//
// A file is checked before anything is read: it must be a regular file
// (not a device, FIFO, socket or directory) no larger than the limit; the
// read itself stops at limit+1 bytes, so a file that grows while it is
// read is refused too.
//
// Closest is the other half of handling what a user types: the name a
// mistyped flag, command, check or protocol most likely meant, for the
// did-you-mean of an error.
package input
