package main

import "syscall"

// childAttr makes the kernel kill a server if the load tool dies first, so
// that an interrupted run leaves no server behind.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
