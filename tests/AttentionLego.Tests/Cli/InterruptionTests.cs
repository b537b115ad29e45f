using System.Runtime.InteropServices;
using AttentionLego.Cli;

namespace AttentionLego.Tests.Cli;

/// <summary><see cref="Interruption"/> without real signals: <see cref="Interruption.Request"/> stands in for the handler.</summary>
[NonParallelizable] // a reader spins on one core while the signal is sent from the other: a second fixture would starve it
public sealed class InterruptionTests
{
    [Test]
    public void A_sigterm_is_reported_as_sigterm()
    {
        using var interruption = new Interruption(TextWriter.Null);
        Assert.That((interruption.Requested, interruption.Signal), Is.EqualTo((false, (PosixSignal?)null)));
        interruption.Request(PosixSignal.SIGTERM);
        Assert.That((interruption.Requested, interruption.Signal, interruption.ExitCode, interruption.Token.IsCancellationRequested),
            Is.EqualTo((true, (PosixSignal?)PosixSignal.SIGTERM, ExitCodes.Terminated, true)));
    }

    [Test]
    public void A_command_that_sees_the_request_sees_its_signal_too()
    {
        // The race of a SIGTERM landing just as a command ends: the command's thread checks Requested, then takes the exit
        // code. Recorded in two steps (requested, then the signal), it could see the request without the signal: SIGINT, 130.
        var wrong = 0;
        for (var round = 0; round < 20_000 && wrong == 0; round++)
        {
            using var interruption = new Interruption(TextWriter.Null);
            using var ready = new ManualResetEventSlim();
            var reader = Task.Factory.StartNew(() =>
            {
                ready.Set();
                while (!interruption.Requested)
                {
                    Thread.SpinWait(1);
                }

                return interruption.ExitCode;
            }, TaskCreationOptions.LongRunning);
            ready.Wait();
            interruption.Request(PosixSignal.SIGTERM);
            if (reader.Result != ExitCodes.Terminated)
            {
                wrong = round + 1;
            }
        }

        Assert.That(wrong, Is.Zero, $"a request seen without its signal (in round {wrong})");
    }
}
