//go:build unix

package main

import "syscall"

// openNonblock makes opening a FIFO that no process reads fail (ENXIO)
// rather than wait for a reader; it changes nothing for devices and files.
const openNonblock = syscall.O_NONBLOCK
