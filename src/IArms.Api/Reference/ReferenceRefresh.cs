namespace IArms.Api.Reference;

/// <summary>
/// Reloads the reference table now and then, so that an instance sees changes another instance made
/// (each instance serves its own changes at once).
/// </summary>
public sealed class ReferenceRefresh(ReferenceCatalog catalog, TimeProvider clock, ILogger<ReferenceRefresh> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await catalog.ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reloading the reference table failed; the previous table stays in use");
            }
        }
    }
}
