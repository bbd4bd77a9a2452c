package operation_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"time"

	tim "github.com/timkit/tim"
	"github.com/timkit/tim/message"
	"github.com/timkit/tim/operation"
)

func ExampleService_ExportHistory() {
	// A stand-in for Tencent: get_history names one file, served by the
	// same server.
	var file bytes.Buffer
	zw := gzip.NewWriter(&file)
	fmt.Fprint(zw, `{"SdkAppId":1400000000,"ChatType":"Group","MsgTime":"2026010109","MsgList":[]}`)
	_ = zw.Close()
	sum := md5.Sum(file.Bytes())
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/get_history") {
			fmt.Fprintf(w, `{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","File":[{"URL":"%s/f.gz","ExpireTime":"2026-01-01 11:00:00","GzipSize":%d,"GzipMD5":"%s"}]}`,
				srv.URL, file.Len(), hex.EncodeToString(sum[:]))
			return
		}
		_, _ = w.Write(file.Bytes())
	}))
	defer srv.Close()
	client, err := tim.New(1400000000, "secret-key", tim.WithBaseURL(srv.URL))
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	dir, err := os.MkdirTemp("", "history")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	files, err := client.Operation.ExportHistory(context.Background(), operation.HistoryRequest{
		ChatType: message.ConvGroup,
		Hour:     time.Date(2026, 1, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600)),
	}, dir, operation.WithDownloadProgress(func(done, total int64) {
		if done == total {
			fmt.Println("downloaded all", done == int64(file.Len()))
		}
	}))
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range files {
		fmt.Println(strings.TrimPrefix(f.Path, dir+string(os.PathSeparator)), f.Bytes == int64(file.Len()))
	}
	// Output:
	// downloaded all true
	// Group-2026010109-1.json.gz true
}
