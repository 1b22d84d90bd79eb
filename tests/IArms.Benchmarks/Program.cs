using BenchmarkDotNet.Running;

namespace IArms.Benchmarks;

/// <summary>Entry point; pick benchmarks with <c>--filter</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
