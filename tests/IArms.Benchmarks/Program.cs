using BenchmarkDotNet.Running;

namespace IArms.Benchmarks;

/// <summary>
/// Entry point: <c>generate ...</c> builds a synthetic database (see <see cref="DataGenerator"/>);
/// anything else goes to BenchmarkDotNet, where <c>--filter</c> picks benchmarks.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "generate")
        {
            return DataGenerator.Run(args);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
