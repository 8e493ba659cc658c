package main
import (
 _ "github.com/duckdb/duckdb-go/v2"
 _ "github.com/apache/arrow-go/v18/arrow"
 _ "github.com/spf13/cobra"
 _ "github.com/vbauerster/mpb/v8"
 _ "go.yaml.in/yaml/v3"
 _ "golang.org/x/time/rate"
)
func main(){}
