using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// A national system's webhook receiver: a real Kestrel server on a loopback port, recording every POST it gets. What it
/// answers is up to the test (<see cref="Respond"/>): 200 by default, or a 500, or a delay past the sender's timeout.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _count;

    /// <summary>One request as received.</summary>
    public sealed record Received(int Number, string Id, string Timestamp, string Signature, string Body, int AnsweredWith)
    {
        public JsonNode Json => JsonNode.Parse(Body)!;
    }

    public ConcurrentQueue<Received> All { get; } = new();

    /// <summary>Given the request's number (1-based), what to do: a status code, and a delay before answering.</summary>
    public Func<int, (int Status, TimeSpan Delay)> Respond { get; set; } = _ => (200, TimeSpan.Zero);

    private WebhookReceiver(WebApplication app) => _app = app;

    public string Url => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";

    public static async Task<WebhookReceiver> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
            var number = Interlocked.Increment(ref receiver._count);
            var (status, delay) = receiver.Respond(number);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The sender gave up; recorded as answered 0.
                    status = 0;
                }
            }
            receiver.All.Enqueue(new Received(number, context.Request.Headers["webhook-id"].ToString(),
                context.Request.Headers["webhook-timestamp"].ToString(), context.Request.Headers["webhook-signature"].ToString(), body, status));
            // A failure answers with a long body, to show that no more than 1 KB of it is kept.
            return status is >= 200 and < 300 ? Results.Text("ok", statusCode: status)
                : Results.Text(string.Concat(Enumerable.Repeat("receiver-error ", 200)), statusCode: status == 0 ? 500 : status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>The requests it accepted (answered 2xx), in arrival order.</summary>
    public List<Received> Accepted => [.. All.Where(r => r.AnsweredWith is >= 200 and < 300).OrderBy(r => r.Number)];

    /// <summary>Waits until <paramref name="done"/> holds, calling <paramref name="step"/> (e.g. moving the clock) between looks.</summary>
    public async Task WaitUntilAsync(Func<WebhookReceiver, bool> done, TimeSpan timeout, Action? step = null)
    {
        var until = DateTime.UtcNow + timeout;
        while (!done(this))
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail($"The receiver got {All.Count} requests: {string.Join(" | ", All.Select(r => $"{r.Number} {r.Id} {r.AnsweredWith}"))}");
            }
            step?.Invoke();
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>
    /// Verifies a delivery as the Standard Webhooks specification describes, written from the specification and not
    /// from the service's code: the secret is base64 after <c>whsec_</c>; the signed content is
    /// <c>{webhook-id}.{webhook-timestamp}.{body}</c>; the header holds space-separated <c>v1,{base64 HMAC-SHA256}</c>
    /// signatures, any one of which may match; and the timestamp must lie within the tolerance of the receiver's clock.
    /// </summary>
    public static bool Verifies(Received message, string secret, DateTimeOffset now, TimeSpan? tolerance = null)
    {
        if (!long.TryParse(message.Timestamp, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > (tolerance ?? TimeSpan.FromMinutes(5)))
        {
            return false;
        }
        using var hmac = new HMACSHA256(Convert.FromBase64String(secret["whsec_".Length..]));
        var expected = hmac.ComputeHash(Encoding.UTF8.GetBytes($"{message.Id}.{message.Timestamp}.{message.Body}"));
        foreach (var part in message.Signature.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma > 0 && part[..comma] == "v1")
            {
                byte[] given;
                try
                {
                    given = Convert.FromBase64String(part[(comma + 1)..]);
                }
                catch (FormatException)
                {
                    continue;
                }
                if (CryptographicOperations.FixedTimeEquals(given, expected))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
