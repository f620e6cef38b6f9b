using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Nn.Examples.Benchmarks.GeneratedVersusRuntime).Assembly).Run(args);
