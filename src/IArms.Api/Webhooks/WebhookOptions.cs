namespace IArms.Api.Webhooks;

/// <summary>Options of the <c>Webhooks</c> section (environment <c>Webhooks__AllowLoopback=true</c> and so on).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Whether this instance sends deliveries (default true). Off, alerts still write their deliveries to the outbox,
    /// and an instance with it on sends them: e.g. API-only instances in a scaled-out deployment, or a paused backlog.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Allows plain <c>http</c> to loopback addresses (tests and demos); off by default.</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Addresses or CIDR ranges (<c>10.20.0.0/16</c>) allowed although private, e.g. a national system inside the network.</summary>
    public List<string> AllowedAddresses { get; set; } = [];

    /// <summary>
    /// The key that encrypts signing secrets at rest: 32 bytes, base64. When unset, a key file is created next to the
    /// SQLite database (<see cref="SecretKeyFile"/>); on SQL Server it must be set.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Where the key lives when <see cref="SecretKey"/> is unset; by default <c>webhook-secret.key</c> beside the SQLite file.</summary>
    public string? SecretKeyFile { get; set; }

    /// <summary>How long one attempt may take, in seconds (connect, send, answer).</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>How long a delivery is retried before it is marked failed, in hours.</summary>
    public double RetryHours { get; set; } = 24;

    /// <summary>The first retry's delay in seconds; each further one doubles it (with jitter), up to <see cref="MaxBackoffSeconds"/>.</summary>
    public double InitialBackoffSeconds { get; set; } = 5;

    public double MaxBackoffSeconds { get; set; } = 3600;

    /// <summary>How often the dispatcher looks for due deliveries when nothing woke it, in milliseconds.</summary>
    public int PollMilliseconds { get; set; } = 100;

    /// <summary>Attempts in flight at once, over all endpoints (each endpoint holds up to 8 times its share claimed).</summary>
    public int MaxConcurrency { get; set; } = 64;

    /// <summary>Attempts in flight at once to one endpoint, so that a slow endpoint holds only its own share.</summary>
    public int PerEndpointConcurrency { get; set; } = 8;

    /// <summary>How long a claim on a delivery lasts, in seconds: after a crash, another dispatcher (or the restarted one) takes it over.</summary>
    public double LeaseSeconds { get; set; } = 120;

    /// <summary>After a secret is rotated, how long deliveries are also signed with the previous one, in hours.</summary>
    public double RotationOverlapHours { get; set; } = 24;
}
