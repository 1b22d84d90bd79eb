using BenchmarkDotNet.Running;

namespace IArms.Benchmarks;

/// <summary>
/// Entry point: <c>generate ...</c> builds a synthetic database (see <see cref="DataGenerator"/>);
/// <c>check-planted</c> checks a generated database against its planted ground truth (see <see cref="PlantedCheck"/>);
/// <c>queries</c> and <c>plans</c> serve the search benchmark (see <see cref="SearchBenchTools"/>); <c>webhooks</c> drives
/// scripts/bench-webhooks.sh (see <see cref="WebhookBench"/>);
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
        if (args.Length > 0 && args[0] == "check-planted")
        {
            return PlantedCheck.Run(args);
        }
        if (args.Length > 0 && args[0] == "queries")
        {
            return SearchBenchTools.Queries(args);
        }
        if (args.Length > 1 && args[0] == "webhooks")
        {
            return WebhookBench.RunAsync(args).GetAwaiter().GetResult();
        }
        if (args.Length > 0 && args[0] == "plans")
        {
            return SearchBenchTools.Plans(args);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
