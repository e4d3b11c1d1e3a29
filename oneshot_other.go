//go:build !unix

package main

// openNonblock: outside Unix there are no FIFOs to open in the file system.
const openNonblock = 0
