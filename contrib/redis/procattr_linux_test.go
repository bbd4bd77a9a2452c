package timredis_test

import "syscall"

// childProcAttr kills redis-server when the test binary dies.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
