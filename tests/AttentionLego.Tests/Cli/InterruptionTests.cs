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
        // One reader thread plays the command in every round (a thread per round spent the test's time starting threads).
        // The barrier's first phase hands it the round's fresh Interruption and lets both sides start together; the second
        // waits for its reading, so that each Interruption is disposed within its round: a requested one left undisposed
        // past Interruption.Grace ends the process, as it would a command that does not stop.
        const int Rounds = 20_000;
        var codes = new int[Rounds];
        Interruption? current = null;
        using var step = new Barrier(2);
        var reader = Task.Factory.StartNew(() =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                step.SignalAndWait();
                while (!current!.Requested)
                {
                    Thread.SpinWait(1);
                }

                codes[round] = current.ExitCode;
                step.SignalAndWait();
            }
        }, TaskCreationOptions.LongRunning);
        for (var round = 0; round < Rounds; round++)
        {
            using var interruption = new Interruption(TextWriter.Null);
            current = interruption;
            step.SignalAndWait();
            interruption.Request(PosixSignal.SIGTERM);
            step.SignalAndWait();
        }

        reader.Wait();
        var wrong = Array.FindIndex(codes, c => c != ExitCodes.Terminated);
        Assert.That(wrong, Is.EqualTo(-1), $"a request seen without its signal (in round {wrong + 1})");
    }
}
