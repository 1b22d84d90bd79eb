namespace IArms.Api.Hosting;

/// <summary>Set once the database is migrated; <c>/health/ready</c> reads it.</summary>
public sealed class DatabaseReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
