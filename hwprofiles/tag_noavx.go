//go:build noavx

package hwprofiles

func init() { buildTags = append(buildTags, "noavx") }
