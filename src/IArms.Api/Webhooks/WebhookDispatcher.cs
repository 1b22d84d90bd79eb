using System.Diagnostics;
using System.Threading.Channels;
using IArms.Api.Alerts;
using IArms.Api.Data;
using Microsoft.Extensions.Options;

namespace IArms.Api.Webhooks;

/// <summary>Wakes the dispatcher when deliveries were written, so a hit need not wait for the next poll.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}

/// <summary>
/// Sends the outbox. Claims due deliveries (a lease, which a crash lets expire, so another run takes them over: at least
/// once), POSTs each signed (Standard Webhooks), and records the outcome: delivered on 2xx; otherwise retried with
/// exponential backoff and jitter until the retry window (24 hours) ends, then failed, with a <c>webhook-failed</c> alert
/// to the agency. Each endpoint gets at most its share of attempts in flight, and a delivery waits for an earlier pending
/// one to the same endpoint about the same firearm, so a slow endpoint delays only itself and order per firearm holds.
/// Outcomes are written in batches (one commit for many), off the sending path.
/// </summary>
public sealed class WebhookDispatcher(
    Db db, WebhookSecrets secrets, WebhookAddressGuard guard, AlertQueries alerts, WebhookSignal signal,
    IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private const int MaxResponseChars = 1024;
    private const int MaxOutcomeBatch = 256;

    private readonly WebhookOptions _o = options.Value;
    private const int Relooks = 10;
    private static readonly TimeSpan RelookInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Claimed deliveries an endpoint may hold per slot of its concurrency.</summary>
    private const int ClaimsPerSlot = 8;

    private readonly Dictionary<long, int> _outstanding = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, SemaphoreSlim> _slots = new();
    private readonly Lock _gate = new();
    private readonly Channel<(WebhookQueries.Outcome Outcome, WebhookQueries.ClaimedRow Delivery)> _outcomes =
        Channel.CreateUnbounded<(WebhookQueries.Outcome, WebhookQueries.ClaimedRow)>(new UnboundedChannelOptions { SingleReader = true });
    private int _inFlight; // claimed and not yet sent, all endpoints
    private readonly SemaphoreSlim _sending = new(options.Value.MaxConcurrency); // attempts in flight, all endpoints

    private HttpClient? _http;

    private HttpClient Http => _http ??= new HttpClient(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = guard.ConnectAsync,
        ConnectTimeout = TimeSpan.FromSeconds(_o.TimeoutSeconds),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = Math.Max(1, _o.PerEndpointConcurrency),
        UseCookies = false,
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each attempt has its own deadline
    };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_o.Enabled)
        {
            logger.LogInformation("Webhook delivery is off on this instance ({Setting}=false); deliveries wait in the outbox", $"{WebhookOptions.Section}:Enabled");
            return;
        }
        var writer = WriteOutcomesAsync();
        var poll = TimeSpan.FromMilliseconds(_o.PollMilliseconds);
        var relooks = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                claimed = await ClaimAndSendAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Claiming webhook deliveries failed; retrying");
            }
            if (claimed == 0)
            {
                try
                {
                    // Woken by an alert's writer, which signals just before its commit lands: a few quick looks (cheap
                    // reads) find the deliveries as soon as it has, instead of at the next poll.
                    var wait = relooks > 0 ? RelookInterval : poll;
                    relooks = Math.Max(0, relooks - 1);
                    if (await signal.WaitAsync(wait, stoppingToken))
                    {
                        relooks = Relooks;
                    }
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        _outcomes.Writer.TryComplete();
        await writer;
    }

    /// <summary>
    /// One claim: due deliveries within the free shares, each sent on its own task (at most
    /// <see cref="WebhookOptions.PerEndpointConcurrency"/> at once per endpoint). An endpoint holds up to
    /// <see cref="ClaimsPerSlot"/> times that many claimed deliveries, so that a claim (a write, queued behind the audit
    /// writer's commits) is not paid per delivery. Answers how many were claimed.
    /// </summary>
    private async Task<int> ClaimAndSendAsync(CancellationToken ct)
    {
        var perEndpoint = _o.PerEndpointConcurrency * ClaimsPerSlot;
        List<long> busy;
        int free;
        lock (_gate)
        {
            free = _o.MaxConcurrency * ClaimsPerSlot - _inFlight;
            busy = [.. _outstanding.Where(e => e.Value >= perEndpoint).Select(e => e.Key)];
        }
        if (free <= 0)
        {
            return 0;
        }
        var now = clock.GetUtcNow();
        await using var session = await db.PrimaryAsync(ct);
        var due = await WebhookQueries.DueAsync(session, now, busy, Math.Min(free, 1000));
        if (due.Count == 0)
        {
            return 0;
        }
        // Within each endpoint's free share, and the overall one.
        var picked = new List<long>();
        lock (_gate)
        {
            var share = new Dictionary<long, int>();
            foreach (var d in due)
            {
                var used = _outstanding.GetValueOrDefault(d.EndpointId) + share.GetValueOrDefault(d.EndpointId);
                if (used < perEndpoint && picked.Count < free)
                {
                    share[d.EndpointId] = share.GetValueOrDefault(d.EndpointId) + 1;
                    picked.Add(d.Id);
                }
            }
        }
        if (picked.Count == 0)
        {
            return 0;
        }
        var claimed = await WebhookQueries.ClaimAsync(session, picked, now, now.AddSeconds(_o.LeaseSeconds));
        lock (_gate)
        {
            foreach (var c in claimed)
            {
                _outstanding[c.EndpointId] = _outstanding.GetValueOrDefault(c.EndpointId) + 1;
                _inFlight++;
            }
        }
        foreach (var c in claimed)
        {
            var slots = _slots.GetOrAdd(c.EndpointId, _ => new SemaphoreSlim(_o.PerEndpointConcurrency));
            _ = Task.Run(async () =>
            {
                await slots.WaitAsync(CancellationToken.None);
                await _sending.WaitAsync(CancellationToken.None);
                try
                {
                    await SendAsync(c, ct);
                }
                finally
                {
                    _sending.Release();
                    slots.Release();
                }
            }, CancellationToken.None);
        }
        return claimed.Count;
    }

    private async Task SendAsync(WebhookQueries.ClaimedRow delivery, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null;
        string? response = null;
        try
        {
            var now = clock.GetUtcNow();
            if (now >= delivery.LeaseUntil)
            {
                // Waited past its claim (a very slow endpoint): another run may have it now; the lease rule sends it again.
                Release(delivery);
                return;
            }
            var timestamp = now.ToUnixTimeSeconds();
            var messageId = $"dlv_{delivery.Id}";
            var keys = new List<string> { secrets.Decrypt(delivery.Secret) };
            if (delivery.PreviousSecret is not null && delivery.PreviousSecretUntil > now)
            {
                keys.Add(secrets.Decrypt(delivery.PreviousSecret));
            }
            using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url)
            {
                Content = new StringContent(delivery.Payload, System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("webhook-id", messageId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", WebhookSecrets.Sign(keys, messageId, timestamp, delivery.Payload));
            request.Headers.UserAgent.ParseAdd("IArms-Webhooks/1");
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(TimeSpan.FromSeconds(_o.TimeoutSeconds));
            using var answer = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)answer.StatusCode;
            response = await ReadCappedAsync(answer, deadline.Token);
            if (!answer.IsSuccessStatusCode)
            {
                error = status is >= 300 and < 400 ? "Redirects are not followed." : $"The receiver answered {status}.";
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"No answer within {_o.TimeoutSeconds:0.#} s.";
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the lease expires and the delivery is sent after the restart.
            Release(delivery);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or System.Net.Sockets.SocketException)
        {
            error = Truncate(e.Message, 400);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Webhook delivery {Id} could not be sent", delivery.Id);
            error = "The delivery could not be sent.";
        }
        var elapsed = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        Release(delivery);
        _outcomes.Writer.TryWrite((Decide(delivery, status, error, response, elapsed), delivery));
    }

    /// <summary>Frees the endpoint's share as soon as the attempt is over; the outcome's write follows.</summary>
    /// <remarks>
    /// Safe for order: until the outcome is written the delivery is still pending (and leased), so a later one about
    /// the same firearm is not yet due.
    /// </remarks>
    private void Release(WebhookQueries.ClaimedRow delivery)
    {
        lock (_gate)
        {
            _inFlight--;
            if (--_outstanding[delivery.EndpointId] == 0)
            {
                _outstanding.Remove(delivery.EndpointId);
            }
        }
        signal.Notify();
    }

    private WebhookQueries.Outcome Decide(WebhookQueries.ClaimedRow d, int? status, string? error, string? response, int elapsed)
    {
        var now = clock.GetUtcNow();
        if (error is null)
        {
            return new(d.Id, DeliveryStatuses.Delivered, now, now, status, elapsed, null, response, now);
        }
        var windowEnd = (d.RetryFrom ?? d.CreatedAt).AddHours(_o.RetryHours);
        // Exponential, with "equal jitter": half the step fixed, half random, so retries of many deliveries spread out.
        var step = Math.Min(_o.InitialBackoffSeconds * Math.Pow(2, Math.Min(d.Attempts, 30)), _o.MaxBackoffSeconds);
        var next = now.AddSeconds(step / 2 + Random.Shared.NextDouble() * step / 2);
        return next >= windowEnd
            ? new(d.Id, DeliveryStatuses.Failed, now, null, status, elapsed, error, response, now)
            : new(d.Id, DeliveryStatuses.Pending, next, null, status, elapsed, error, response, now);
    }

    /// <summary>Writes outcomes as they come, many per commit; a failed write leaves the lease to expire, and the delivery is sent again.</summary>
    private async Task WriteOutcomesAsync()
    {
        var batch = new List<(WebhookQueries.Outcome Outcome, WebhookQueries.ClaimedRow Delivery)>();
        while (await _outcomes.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxOutcomeBatch && _outcomes.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            try
            {
                await using var session = await db.WriteAsync(CancellationToken.None);
                foreach (var (outcome, _) in batch)
                {
                    await WebhookQueries.FinishAsync(session, outcome);
                }
                await alerts.AddAsync(session, batch.Where(b => b.Outcome.Status == DeliveryStatuses.Failed).Select(b => new NewAlert(
                    b.Delivery.AgencyId, AlertKinds.WebhookFailed,
                    $"Webhook delivery {b.Delivery.Id} ({b.Delivery.Event}) to {Truncate(b.Delivery.Url, 300)} was given up after {b.Delivery.Attempts + 1} attempts over {_o.RetryHours:0.#} hours; last error: {Truncate(b.Outcome.Error ?? "", 300)} Redeliver it with POST /api/v1/agencies/<code>/webhooks/{b.Delivery.EndpointId}/deliveries/{b.Delivery.Id}/redeliver.")));
                await session.CommitAsync();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "{Count} webhook outcomes could not be written; those deliveries are sent again when their lease expires", batch.Count);
            }
            batch.Clear();
            signal.Notify(); // deliveries waiting behind these (same firearm) are now due
        }
    }

    private static async Task<string?> ReadCappedAsync(HttpResponseMessage answer, CancellationToken ct)
    {
        await using var stream = await answer.Content.ReadAsStreamAsync(ct);
        using var reader = new StreamReader(stream);
        var buffer = new char[MaxResponseChars];
        var read = await reader.ReadBlockAsync(buffer, ct);
        return read == 0 ? null : new string(buffer, 0, read);
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    public override void Dispose()
    {
        _http?.Dispose();
        base.Dispose();
    }
}
