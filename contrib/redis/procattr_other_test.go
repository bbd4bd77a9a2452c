//go:build !linux

package timredis_test

import "syscall"

func childProcAttr() *syscall.SysProcAttr { return nil }
