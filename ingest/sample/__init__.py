"""The simulator, not a connector: a generated talent market in the vendors' wire formats
(`market/`), fake vendor APIs serving it over loopback HTTP (`apis/`), and the tools that
measure identity resolution against the market's ground truth (`identity_records`,
`measure_identity`). Tests, benchmarks and `make demo` use it; the pipeline never imports it.
"""
